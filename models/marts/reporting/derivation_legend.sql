-- The seed `derivations` as the lineage figures and the report read it: plots/ selects only
-- from marts, so the one list of derivations reaches it through here.
with

derivations as (

    select * from {{ ref('derivations') }}

),

final as (

    select
        derivation,
        derivation_label,
        counted_as,
        is_base_model_relation,
        is_derivative,
        display_order,
        chart_colour,
    from derivations

)

select * from final
