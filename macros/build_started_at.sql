{#-
    When this dbt invocation started, as a UTC timestamp without time zone (dbt's
    `run_started_at` is UTC; its first 19 characters are the second). Every model of one build
    gets the same instant, so a snapshot's age is the same in every mart; a unit test overrides
    this macro to stay deterministic.
-#}
{% macro build_started_at() -%}
    '{{ (run_started_at | string)[:19] }}'::timestamp
{%- endmacro %}
