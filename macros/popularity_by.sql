{#-
    The body of a reporting mart with one row per value of `column` of the `models` CTE the
    caller imports: models, downloads, likes, shares and the rank by downloads. Models without
    a value count as one row with a null value, so the shares add up to 1. The report's author,
    licence and library tables are the same computation over a different column.
-#}
{% macro popularity_by(column) -%}
per_value as (

    select
        {{ column }},
        count(*) as model_count,
        coalesce(sum(downloads), 0)::bigint as total_downloads,
        coalesce(sum(likes), 0)::bigint as total_likes,
    from models
    group by {{ column }}

),

-- Shares and ranks over the grouped rows, not over the models again.
final as (

    select
        {{ column }},
        model_count,
        total_downloads,
        total_likes,
        (model_count / sum(model_count) over ())::double as share_of_models,
        (total_downloads / nullif(sum(total_downloads) over (), 0))::double as share_of_downloads,
        row_number() over (
            order by total_downloads desc, model_count desc, {{ column }} asc nulls last
        ) as downloads_rank,
    from per_value

)
{%- endmacro %}
