-- Models whose base_model tags form a cycle: a model naming itself, or A -> B -> A. Their walk
-- to a family root is never followed round the cycle (model_families.lineage_status).
{{ config(severity='warn') }}

with

families as (

    select * from {{ ref('model_families') }}

),

final as (

    select model_id, lineage_status, has_self_reference, is_in_cycle from families
    where is_in_cycle or has_self_reference

)

select * from final
