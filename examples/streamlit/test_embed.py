"""Tests of the URL building: python3 -m unittest (from examples/streamlit)."""

import unittest
from urllib.parse import parse_qsl, urlsplit

from embed import ALL, Panel, auth_headers, dashboard_url, logs_params, parse_panels, solo_panel_url
from settings import LOCAL_STREAMLIT_TOKEN, load_settings


class SoloPanelUrlTest(unittest.TestCase):
    def test_path_time_range_and_panel(self):
        url = solo_panel_url('http://grafana:3000/', 'gpt-runner-logs', 2, slug='gpt-runner-logs', time_from='now-24h')
        parts = urlsplit(url)
        self.assertEqual(parts.path, '/d-solo/gpt-runner-logs/gpt-runner-logs')
        self.assertEqual(
            parse_qsl(parts.query), [('panelId', '2'), ('orgId', '1'), ('from', 'now-24h'), ('to', 'now')]
        )

    def test_multi_value_variables_repeat_and_empty_means_all(self):
        url = solo_panel_url(
            'http://g', 'uid', 1, variables={'severity': ['ERROR', 'WARNING'], 'source': [], 'namespace': None}
        )
        params = parse_qsl(urlsplit(url).query)
        self.assertIn(('var-severity', 'ERROR'), params)
        self.assertIn(('var-severity', 'WARNING'), params)
        self.assertIn(('var-source', ALL), params)
        self.assertNotIn('var-namespace', [key for key, _ in params])

    def test_values_are_encoded(self):
        url = solo_panel_url('http://g', 'a/b', 1, variables={'search': 'pnl < 0 & halted'}, theme='dark', refresh='30s')
        self.assertIn('/d-solo/a%2Fb/', url)
        self.assertIn('var-search=pnl+%3C+0+%26+halted', url)
        self.assertIn(('theme', 'dark'), parse_qsl(urlsplit(url).query))
        self.assertIn(('refresh', '30s'), parse_qsl(urlsplit(url).query))

    def test_epoch_milliseconds_pass_through(self):
        url = solo_panel_url('http://g', 'uid', 1, time_from='1764400000000', time_to='1764403600000')
        self.assertIn(('from', '1764400000000'), parse_qsl(urlsplit(url).query))


class DashboardUrlTest(unittest.TestCase):
    def test_same_view_without_panel(self):
        url = dashboard_url('http://g', 'uid', slug='s', time_from='now-1h', variables={'source': 'gcs'})
        parts = urlsplit(url)
        self.assertEqual(parts.path, '/d/uid/s')
        self.assertEqual(
            parse_qsl(parts.query), [('orgId', '1'), ('from', 'now-1h'), ('to', 'now'), ('var-source', 'gcs')]
        )


class PanelsTest(unittest.TestCase):
    def test_parse(self):
        self.assertEqual(parse_panels('Volume=1, Errors = 2'), (Panel('Volume', 1), Panel('Errors', 2)))

    def test_refuses_a_panel_without_id(self):
        with self.assertRaises(ValueError):
            parse_panels('Volume')


class BackendTest(unittest.TestCase):
    def test_logs_params(self):
        params = logs_params(
            sources=['gcs', 'firestore'], min_severity='ERROR', search='timeout', labels=['symbol=NVDA', 'side!=SELL'], limit=50
        )
        self.assertEqual(
            params,
            [
                ('from', 'now-1h'),
                ('to', 'now'),
                ('limit', '50'),
                ('source', 'gcs,firestore'),
                ('minSeverity', 'ERROR'),
                ('search', 'timeout'),
                ('label', 'symbol=NVDA'),
                ('label', 'side!=SELL'),
            ],
        )

    def test_no_source_means_every_source_the_token_may_read(self):
        self.assertNotIn('source', dict(logs_params()))

    def test_bearer_header(self):
        self.assertEqual(auth_headers('t')['Authorization'], 'Bearer t')


class SettingsTest(unittest.TestCase):
    def test_local_defaults(self):
        settings = load_settings({})
        self.assertEqual(settings.backend_token, LOCAL_STREAMLIT_TOKEN)
        self.assertEqual(settings.grafana_url, 'http://127.0.0.1:3000')
        self.assertEqual(settings.dashboard_uid, 'gpt-runner-logs')
        self.assertEqual([p.panel_id for p in settings.panels], [2, 3, 7])

    def test_environment_wins(self):
        settings = load_settings({'UNIFIED_LOGS_TOKEN': 'x', 'GRAFANA_PANELS': 'Only=7'})
        self.assertEqual(settings.backend_token, 'x')
        self.assertEqual(settings.panels, (Panel('Only', 7),))


if __name__ == '__main__':
    unittest.main()
