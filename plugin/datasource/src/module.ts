import { DataSourcePlugin } from '@grafana/data';

import { ConfigEditor } from './components/ConfigEditor';
import { QueryEditor } from './components/QueryEditor';
import { DataSource } from './datasource';
import { UnifiedLogsOptions, UnifiedLogsQuery } from './types';

export const plugin = new DataSourcePlugin<DataSource, UnifiedLogsQuery, UnifiedLogsOptions>(DataSource)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor);
