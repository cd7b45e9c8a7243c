{#- Rows whose relation is not one the seed `derivations` marks as a base model relation. -#}
{% test base_model_relation(model, column_name) %}

with

relations as (

    select derivation from {{ ref('derivations') }}
    where is_base_model_relation

),

final as (

    select {{ column_name }}
    from {{ model }}
    where {{ column_name }} not in (select derivation from relations)

)

select * from final

{% endtest %}
