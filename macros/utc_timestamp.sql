{#-
    Parse an ISO 8601 text to a UTC timestamp without time zone, whatever the session's
    TimeZone (DuckDB takes it from the machine). A text with an offset (`Z`, `+02:00`) goes
    through timestamptz so the offset is honoured; a text without one is UTC by the Hub's
    convention, so it is read as a plain timestamp rather than in the machine's zone.
-#}
{% macro utc_timestamp(text_expression) -%}
    case
        when regexp_matches({{ text_expression }}, '\d\d:\d\d(:\d\d(\.\d*)?)?\s*(Z|z|[+-]\d\d(:?\d\d)?)$')
            then timezone('UTC', try_cast({{ text_expression }} as timestamptz))
        else try_cast({{ text_expression }} as timestamp)
    end
{%- endmacro %}
