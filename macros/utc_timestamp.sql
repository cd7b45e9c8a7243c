{#-
    Parse an ISO 8601 text to a UTC timestamp without time zone. Going through timestamptz
    honours any offset in the text; converting back at 'UTC' makes the result independent of
    the session's TimeZone, which DuckDB takes from the machine.
-#}
{% macro utc_timestamp(text_expression) -%}
    timezone('UTC', try_cast({{ text_expression }} as timestamptz))
{%- endmacro %}
