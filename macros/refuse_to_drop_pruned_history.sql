{#-
    A pre-hook of the history (incremental) tables. Once `python -m ingest.prune` has dropped
    raw payloads, these tables hold the only copy of those snapshots; building one of them
    from scratch (`--vars '{rebuild_history: true}' --full-refresh`, or after it was dropped)
    would silently lose them, so the build stops instead.
-#}
{% macro refuse_to_drop_pruned_history() -%}
    {#- Called outside the `execute` guard so that dbt records the source as a dependency. -#}
    {%- set snapshots_source = source('hf', 'snapshots') -%}
    {%- if execute and not is_incremental() -%}
        {%- set snapshots = load_relation(snapshots_source) -%}
        {%- set columns = adapter.get_columns_in_relation(snapshots) if snapshots else [] -%}
        {%- if 'payload_pruned_at' in columns | map(attribute='name') | list -%}
            {%- set pruned = run_query(
                'select count(*) from ' ~ snapshots ~ ' where payload_pruned_at is not null'
            ).columns[0].values()[0] -%}
            {%- if pruned > 0 -%}
                {{ exceptions.raise_compiler_error(
                    this ~ ' would be rebuilt from raw, but ' ~ pruned ~ ' snapshot(s) had'
                    ~ ' their payloads pruned (' ~ snapshots ~ '.payload_pruned_at): their history'
                    ~ ' would be lost. Restore the warehouse from a backup instead.'
                ) }}
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
