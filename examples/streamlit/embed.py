"""URLs and request parameters for embedding Grafana panels and calling the Unified Logs backend.

Pure functions (no Streamlit, no network), so they can be tested on their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence
from urllib.parse import quote, urlencode

# Grafana's value for "every value" of a multi-value variable with "Include All".
ALL = '$__all'


@dataclass(frozen=True)
class Panel:
    title: str
    panel_id: int


def parse_panels(spec: str) -> tuple[Panel, ...]:
    """`Title=3,Other title=5` -> panels in that order (a title may not contain `,` or `=`)."""
    panels = []
    for item in filter(None, (part.strip() for part in spec.split(','))):
        title, sep, panel_id = item.rpartition('=')
        if not sep or not title.strip() or not panel_id.strip().isdigit():
            raise ValueError(f'panel {item!r} is not "Title=<panel id>"')
        panels.append(Panel(title.strip(), int(panel_id)))
    return tuple(panels)


def variable_params(variables: Mapping[str, str | Sequence[str] | None]) -> list[tuple[str, str]]:
    """Dashboard variables as Grafana reads them from a URL: `var-<name>=<value>`, repeated for several values.

    An empty selection means "all values"; None leaves the variable at the dashboard's default.
    """
    params: list[tuple[str, str]] = []
    for name, value in variables.items():
        if value is None:
            continue
        values = [value] if isinstance(value, str) else list(value)
        for item in values or [ALL]:
            params.append((f'var-{name}', item))
    return params


def view_params(
    *,
    time_from: str = 'now-6h',
    time_to: str = 'now',
    variables: Mapping[str, str | Sequence[str] | None] | None = None,
    org_id: int = 1,
    theme: str | None = None,
    refresh: str | None = None,
    timezone: str | None = None,
) -> list[tuple[str, str]]:
    """What a dashboard or panel URL carries besides its path: organization, time range, variables.

    `time_from`/`time_to` take what Grafana's time picker takes: `now-6h`, `now`, epoch milliseconds.
    """
    params: list[tuple[str, str]] = [('orgId', str(org_id)), ('from', time_from), ('to', time_to)]
    if timezone:
        params.append(('timezone', timezone))
    if theme:
        params.append(('theme', theme))
    if refresh:
        params.append(('refresh', refresh))
    return params + variable_params(variables or {})


def solo_panel_url(
    grafana_url: str, dashboard_uid: str, panel_id: int, *, slug: str = 'dashboard', **view: Any
) -> str:
    """One panel alone (`/d-solo/<uid>/<slug>?panelId=...`): the URL an iframe loads."""
    params = [('panelId', str(panel_id))] + view_params(**view)
    return f'{_dashboard_base(grafana_url, "d-solo", dashboard_uid, slug)}?{urlencode(params)}'


def dashboard_url(grafana_url: str, dashboard_uid: str, *, slug: str = 'dashboard', **view: Any) -> str:
    """The whole dashboard with the same time range and variables: a link to open it in Grafana."""
    return f'{_dashboard_base(grafana_url, "d", dashboard_uid, slug)}?{urlencode(view_params(**view))}'


def _dashboard_base(grafana_url: str, kind: str, dashboard_uid: str, slug: str) -> str:
    return f'{grafana_url.rstrip("/")}/{kind}/{quote(dashboard_uid, safe="")}/{quote(slug, safe="")}'


def logs_params(
    *,
    sources: Iterable[str] = (),
    time_from: str = 'now-1h',
    time_to: str = 'now',
    min_severity: str | None = None,
    search: str | None = None,
    labels: Iterable[str] = (),
    limit: int = 100,
) -> list[tuple[str, str]]:
    """Query parameters of `GET /logs`: lists comma-separated, label matchers repeated."""
    params: list[tuple[str, str]] = [('from', time_from), ('to', time_to), ('limit', str(limit))]
    chosen = [source for source in sources if source]
    if chosen:
        params.append(('source', ','.join(chosen)))
    if min_severity:
        params.append(('minSeverity', min_severity))
    if search:
        params.append(('search', search))
    params += [('label', matcher) for matcher in labels]
    return params


def auth_headers(token: str) -> dict[str, str]:
    """The backend's bearer token; sent by this server only, never put in a page."""
    return {'Authorization': f'Bearer {token}', 'Accept': 'application/json'}
