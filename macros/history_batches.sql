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

    int_models_deduplicated and model_growth read their watermark in SQL (`max(appended_at)`
    of `{{ this }}` under `is_incremental()`), with one body for every build; category_trends
    still reads it at compile time (history_watermark, history_batch below), which lets it
    filter the history by constant snapshot ids.
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

{#-
    The incremental model's watermark: its latest stamp and the latest snapshot it holds, as SQL
    timestamp literals; none when it must be built from the whole history instead: a first
    build, `--full-refresh`, an empty table, or one stored by older code without
    `required_column` or the stamp.
-#}
{% macro history_watermark(required_column) -%}
    {%- if not (execute and is_incremental()) -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set columns = stored_columns(this) -%}
    {%- if 'appended_at' not in columns or required_column not in columns -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set row = run_query(
        'select max(appended_at)::varchar, max(snapshot_at)::varchar from ' ~ this
    ).rows[0] -%}
    {%- if row[0] is none -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return({
        'appended_at': "timestamp '" ~ row[0] ~ "'",
        'snapshot_at': "timestamp '" ~ row[1] ~ "'",
    }) }}
{%- endmacro %}

{#-
    The history's new batch for a model with this watermark: its snapshot ids, the earliest
    capture time among them, and whether it can be taken in from each model's stored newest
    observation alone: one snapshot, newer than any the model holds. Otherwise (a late snapshot,
    or several landed since the last build) the rows that follow must be recomputed too.
-#}
{% macro history_batch(watermark) -%}
    {%- set history = ref('model_observation_history') -%}
    {%- set rows = run_query(
        'select snapshot_id, min(snapshot_at)::varchar from ' ~ history
        ~ ' where appended_at > ' ~ watermark.appended_at ~ ' group by 1 order by 2, 1'
    ).rows -%}
    {%- set snapshot_ids = rows | map(attribute=0) | list -%}
    {%- set earliest = rows[0][1] if rows | length > 0 else none -%}
    {%- set is_late = earliest is not none and run_query(
        "select timestamp '" ~ earliest ~ "' <= " ~ watermark.snapshot_at
    ).rows[0][0] -%}
    {{ return({
        'snapshot_ids': snapshot_ids,
        'earliest_at': none if earliest is none else "timestamp '" ~ earliest ~ "'",
        'is_simple': snapshot_ids | length == 1 and not is_late,
    }) }}
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
    row. A constant, so DuckDB skips the row groups of older snapshots instead of joining every
    stored row with the new ones: the delete costs what the new rows span, not all of history.
-#}
{% macro get_incremental_snapshot_delete_insert_sql(arg_dict) -%}
    {%- set earliest = run_query(
        'select min(snapshot_at)::varchar from ' ~ arg_dict['temp_relation']
    ).columns[0].values()[0] -%}
    {%- set since = (
        "DBT_INCREMENTAL_TARGET.snapshot_at >= timestamp '" ~ earliest ~ "'"
        if earliest is not none else 'false'
    ) -%}
    {{ duckdb__get_delete_insert_merge_sql(
        arg_dict['target_relation'],
        arg_dict['temp_relation'],
        arg_dict['unique_key'],
        arg_dict['dest_columns'],
        [since],
    ) }}
{%- endmacro %}
