{#-
    Tests of tables that grow with history check only the rows the latest build wrote: stored
    rows never change (history) or were checked when they were written (model_growth, which
    stamps recomputed rows anew). The predicate is a constant, so DuckDB reads only the newest
    row groups; a subquery (`= (select max(...))`) would read every stored row.
-#}

{#- `appended_at = <the relation's latest stamp>` (`false` when it is empty). -#}
{% macro newest_batch(relation) -%}
    {%- if not execute -%}
        {{ return('true') }}
    {%- endif -%}
    {%- set stamp = run_query(
        'select max(appended_at)::varchar from ' ~ relation
    ).columns[0].values()[0] -%}
    {{ return("appended_at = timestamp '" ~ stamp ~ "'" if stamp is not none else 'false') }}
{%- endmacro %}

{#- `snapshot_id in (...)`: the snapshots of the history table's latest batch. -#}
{% macro newest_history_snapshots() -%}
    {%- if not execute -%}
        {{ return('true') }}
    {%- endif -%}
    {%- set history = history_relation() -%}
    {%- set snapshot_ids = run_query(
        'select distinct snapshot_id from ' ~ history ~ ' where ' ~ newest_batch(history)
    ).columns[0].values() | list -%}
    {{ return(snapshot_id_in(snapshot_ids)) }}
{%- endmacro %}

{#-
    dbt's `where` config of a test, with two placeholders filled in when the test runs:
    `__newest_batch__` (newest_batch of the tested table) and `__newest_history_snapshots__`.
-#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- if '__newest_batch__' in where -%}
            {%- set where = where | replace('__newest_batch__', newest_batch(relation)) -%}
        {%- endif -%}
        {%- if '__newest_history_snapshots__' in where -%}
            {%- set where = where
                | replace('__newest_history_snapshots__', newest_history_snapshots()) -%}
        {%- endif -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) dbt_subquery
        {%- endset -%}
        {{ return(filtered) }}
    {%- else -%}
        {{ return(relation) }}
    {%- endif -%}
{%- endmacro %}

{#-
    The relation's latest snapshot_at as text, or none: when it is empty, in a unit test (whose
    ref() is a fixture CTE), or not executing (sqlfluff's templater has no `execute`). For a
    filter by constant over a table that grows with history.
-#}
{% macro latest_snapshot_at(relation) -%}
    {%- if not (execute is defined and execute) or '__dbt__cte__' in relation | string -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(run_query(
        'select max(snapshot_at)::varchar from ' ~ relation
    ).columns[0].values()[0]) }}
{%- endmacro %}
