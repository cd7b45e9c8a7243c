with

models as (

    select * from {{ ref('models') }}

),

modality_legend as (

    select * from {{ ref('modality_legend') }}

),

per_modality as (

    select
        modality,
        count(*) as model_count,
    from models
    group by modality

),

final as (

    select
        per_modality.modality,
        modality_legend.modality_label,
        modality_legend.display_order,
        per_modality.model_count,
        (per_modality.model_count / sum(per_modality.model_count) over ())::double
            as share_of_models,
    from per_modality
    left join modality_legend
        on per_modality.modality is not distinct from modality_legend.modality

)

select * from final
