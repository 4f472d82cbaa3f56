"""Where the example finds Grafana and the backend: environment variables, with the local stack's defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass

from embed import Panel, parse_panels

# docker-compose.yml's viewer token: local use only. Set UNIFIED_LOGS_TOKEN to a real one elsewhere.
LOCAL_STREAMLIT_TOKEN = 'local-streamlit-token'

# Panels of the provisioned "GPT Runner+ Logs" dashboard (provisioning/dashboards), by panel id.
DEFAULT_PANELS = 'Entries per second by severity=2,Sources up=3,GCS: lines=7'


@dataclass(frozen=True)
class Settings:
    # The address the *browser* uses for Grafana: the iframes load from there, not from this server.
    grafana_url: str
    # The address *this server* uses for the backend: API calls never pass through the browser.
    backend_url: str
    backend_token: str
    dashboard_uid: str
    dashboard_slug: str
    org_id: int
    panels: tuple[Panel, ...]
    theme: str


def load_settings(env: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ) if env is None else env
    return Settings(
        grafana_url=env.get('GRAFANA_URL', 'http://127.0.0.1:3000'),
        backend_url=env.get('UNIFIED_LOGS_URL', 'http://127.0.0.1:8080'),
        backend_token=env.get('UNIFIED_LOGS_TOKEN', LOCAL_STREAMLIT_TOKEN),
        dashboard_uid=env.get('GRAFANA_DASHBOARD_UID', 'gpt-runner-logs'),
        dashboard_slug=env.get('GRAFANA_DASHBOARD_SLUG', 'gpt-runner-logs'),
        org_id=int(env.get('GRAFANA_ORG_ID', '1')),
        panels=parse_panels(env.get('GRAFANA_PANELS', DEFAULT_PANELS)),
        theme=env.get('GRAFANA_THEME', 'light'),
    )
