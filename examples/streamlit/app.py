"""Unified Logs inside a Streamlit dashboard: Grafana panels embedded as iframes, and the latest
errors read straight from the backend's API.

    pip install -r requirements.txt
    streamlit run app.py

Settings come from the environment (settings.py); the defaults fit `docker compose up`.
"""

from __future__ import annotations

import requests
import streamlit as st
import streamlit.components.v1 as components

from embed import auth_headers, dashboard_url, logs_params, solo_panel_url
from settings import load_settings

SOURCES = ['gcs', 'firestore', 'pods']
SEVERITIES = ['DEBUG', 'INFO', 'NOTICE', 'WARNING', 'ERROR', 'CRITICAL', 'ALERT', 'EMERGENCY']
TIME_RANGES = {'Last hour': 'now-1h', 'Last 6 hours': 'now-6h', 'Last 24 hours': 'now-24h', 'Last 3 days': 'now-3d'}


@st.cache_data(ttl=15, show_spinner=False)
def fetch_logs(backend_url: str, token: str, params: tuple[tuple[str, str], ...]) -> dict:
    """GET /logs from this server (the token never reaches the browser); cached as long as the backend caches pages."""
    response = requests.get(f'{backend_url.rstrip("/")}/logs', params=list(params), headers=auth_headers(token), timeout=30)
    if response.status_code >= 400:
        # The backend answers problem+json: its title and detail say what was wrong.
        try:
            problem = response.json()
            raise RuntimeError(f'{problem.get("title")}: {problem.get("detail")} ({response.status_code})')
        except ValueError:
            response.raise_for_status()
    return response.json()


def describe_warning(warning: object) -> str:
    if isinstance(warning, dict):
        source = warning.get('source')
        return f'{source}: {warning.get("message")}' if source else str(warning.get('message'))
    return str(warning)


def main() -> None:
    settings = load_settings()
    st.set_page_config(page_title='GPT Runner+ logs', layout='wide')
    st.title('GPT Runner+ logs')

    with st.sidebar:
        range_label = st.selectbox('Time range', list(TIME_RANGES), index=1)
        sources = st.multiselect('Sources', SOURCES, default=[], help='Empty: every source.')
        severities = st.multiselect('Severities', SEVERITIES, default=['WARNING', 'ERROR', 'CRITICAL'])
        refresh = st.selectbox('Panel refresh', ['off', '30s', '1m', '5m'], index=1)
    time_from = TIME_RANGES[range_label]

    view = {
        'time_from': time_from,
        'time_to': 'now',
        # Dashboard variables of the provisioned dashboard; an empty list selects all values.
        'variables': {'source': sources, 'severity': severities},
        'org_id': settings.org_id,
        'theme': settings.theme,
        'refresh': None if refresh == 'off' else refresh,
    }
    st.caption(
        f'[Open the dashboard in Grafana]({dashboard_url(settings.grafana_url, settings.dashboard_uid, slug=settings.dashboard_slug, **view)})'
    )
    columns = st.columns(len(settings.panels) or 1)
    for column, panel in zip(columns, settings.panels):
        with column:
            st.subheader(panel.title)
            url = solo_panel_url(
                settings.grafana_url, settings.dashboard_uid, panel.panel_id, slug=settings.dashboard_slug, **view
            )
            components.iframe(url, height=360)

    st.subheader('Latest errors')
    params = logs_params(sources=sources, time_from=time_from, min_severity='ERROR', limit=50)
    try:
        page = fetch_logs(settings.backend_url, settings.backend_token, tuple(params))
    except (requests.RequestException, RuntimeError) as error:
        st.error(f'The Unified Logs backend did not answer: {error}')
        return
    if page.get('partial'):
        st.warning('Partial answer: ' + '; '.join(describe_warning(w) for w in page.get('warnings', [])))
    rows = [
        {
            'time': entry['timestamp'],
            'source': entry['source'],
            'severity': entry['severity'],
            'message': entry['message'],
        }
        for entry in page.get('entries', [])
    ]
    if rows:
        st.dataframe(rows, use_container_width=True, hide_index=True)
    else:
        st.info('No errors in this time range.')


main()
