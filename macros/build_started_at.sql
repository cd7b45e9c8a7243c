{#-
    When this dbt invocation started, as a UTC timestamp without time zone, to the microsecond
    (dbt's `run_started_at` is UTC). Every model of one build gets the same instant: a
    snapshot's age is the same in every mart, and the history tables stamp the rows a run
    appends with it (`appended_at`, their watermark: macros/history_batches.sql). A unit test
    overrides this macro to stay deterministic; sqlfluff's jinja templater has only a string
    stub of `run_started_at` (.sqlfluff).
-#}
{% macro build_started_at() -%}
    {%- if run_started_at is string -%}
        '{{ run_started_at }}'::timestamp
    {%- else -%}
        '{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}'::timestamp
    {%- endif -%}
{%- endmacro %}
