{#-
    How the models that read history find what is new since their last build, so that a daily
    build reads only the new snapshots whatever the length of history.

    The history table stamps each row with `appended_at`, the start of the dbt run that
    appended it (`build_started_at()`), and each model that reads it (int_models_deduplicated,
    model_growth, category_trends) stamps the rows it writes the same way. A model's largest
    stamp is its watermark: history rows stamped later are new to it. A run that fails
    half-way leaves the watermarks of the models it did not finish where they were, and the
    next run gives them the same snapshots again; they replace their rows by key, so taking a
    snapshot in twice gives the same rows.

    Each reads its watermark in SQL (`max(appended_at)` of `{{ this }}` under
    `is_incremental()`), with one body for every build and no query at compile time. DuckDB
    pushes a comparison with such a one-row subquery into the table scan as a dynamic filter,
    so the older snapshots' row groups are skipped as they were with constants.
-#}

{#- The history table, named by the vars history_schema and history_table (not a ref()). -#}
{% macro history_relation() -%}
    {%- if api is defined -%}
        {{ return(api.Relation.create(
            database=target.database, schema=var('history_schema'), identifier=var('history_table')
        )) }}
    {%- else -%}
        {{ return(var('history_schema') ~ '.' ~ var('history_table')) }}
    {%- endif -%}
{%- endmacro %}

{#- The relation's column names, lowercased; none when it does not exist. -#}
{% macro stored_columns(relation) -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set found = adapter.get_relation(
        database=relation.database, schema=relation.schema, identifier=relation.identifier
    ) -%}
    {%- if found is none -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set columns = adapter.get_columns_in_relation(found) -%}
    {{ return(columns | map(attribute='name') | map('lower') | list) }}
{%- endmacro %}

{#- `snapshot_id in ('a', 'b')`: constants, which DuckDB pushes down to the table scan. -#}
{% macro snapshot_id_in(snapshot_ids, column='snapshot_id') -%}
    {%- if snapshot_ids | length == 0 -%}
        false
    {%- else -%}
        {{ column }} in (
        {%- for snapshot_id in snapshot_ids -%}
            '{{ snapshot_id | replace("'", "''") }}'{{ ', ' if not loop.last }}
        {%- endfor -%}
        )
    {%- endif -%}
{%- endmacro %}

{#-
    An incremental strategy for tables keyed by snapshot (model_growth, category_trends):
    delete+insert, with the delete limited to rows captured no earlier than the earliest new
    row. DuckDB pushes that bound into the scan of the stored table (a dynamic filter), so it
    skips the row groups of older snapshots instead of joining every stored row with the new
    ones: the delete costs what the new rows span, not all of history. No new row, no bound: the
    comparison with null deletes nothing.
-#}
{% macro get_incremental_snapshot_delete_insert_sql(arg_dict) -%}
    {%- set since -%}
        DBT_INCREMENTAL_TARGET.snapshot_at >= (
            select min(snapshot_at) from {{ arg_dict['temp_relation'] }}
        )
    {%- endset -%}
    {{ duckdb__get_delete_insert_merge_sql(
        arg_dict['target_relation'],
        arg_dict['temp_relation'],
        arg_dict['unique_key'],
        arg_dict['dest_columns'],
        [since],
    ) }}
{%- endmacro %}
