with

modalities as (

    select * from {{ ref('modalities') }}

),

-- Charts show models without a category too; their row is named here, once, and sorts last.
no_category as (

    select
        null::varchar as modality,
        'No category' as modality_label,
        null::varchar as research_group,
        max(display_order) + 1 as display_order,
    from modalities

),

final as (

    select modality, modality_label, research_group, display_order from modalities
    union all
    select modality, modality_label, research_group, display_order from no_category

)

select * from final
