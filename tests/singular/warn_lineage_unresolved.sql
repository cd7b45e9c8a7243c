-- Models the family walk did not reach: on or below a cycle, or deeper than lineage_max_depth.
-- They have no root_model_id and no depth.
{{ config(severity='warn') }}

with

families as (

    select * from {{ ref('model_families') }}

),

final as (

    select model_id, lineage_status from families
    where lineage_status <> 'resolved'

)

select * from final
