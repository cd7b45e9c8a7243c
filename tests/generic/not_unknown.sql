{#- Rows where a mapped value fell through to 'unknown': the mapping seed needs a new entry. -#}
{% test not_unknown(model, column_name) %}

with

final as (

    select {{ column_name }}
    from {{ model }}
    where {{ column_name }} = 'unknown'

)

select * from final

{% endtest %}
