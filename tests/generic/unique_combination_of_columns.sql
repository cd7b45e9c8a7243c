{#- Rows whose combination of columns is not unique: a grain test for compound keys. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

with

grouped as (

    select
        {{ combination_of_columns | join(', ') }},
        count(*) as row_count,
    from {{ model }}
    group by all

),

final as (

    select * from grouped
    where row_count > 1

)

select * from final

{% endtest %}
