WAREHOUSE_CONN_ID = "pipe_warehouse"
SOURCE_URL_VARIABLE = "pipe_source_url"
