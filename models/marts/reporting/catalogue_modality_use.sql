with

catalogue_models as (

    select * from {{ ref('catalogue_models') }}

),

modality_legend as (

    select * from {{ ref('modality_legend') }}

),

per_modality as (

    select
        snapshot_id,
        any_value(snapshot_at) as snapshot_at,
        modality,
        count(*) as model_count,
        count(*) filter (where is_created_at_placeholder) as placeholder_count,
        coalesce(sum(downloads), 0)::bigint as total_downloads,
        coalesce(sum(likes), 0)::bigint as total_likes,
    from catalogue_models
    group by snapshot_id, modality

),

-- Shares are of every model in the catalogue, those without a category included; ranks are
-- among the modalities only, since "No category" is not a kind of model.
final as (

    select
        per_modality.snapshot_id,
        per_modality.snapshot_at,
        per_modality.modality,
        modality_legend.modality_label,
        modality_legend.display_order,
        per_modality.model_count,
        per_modality.placeholder_count,
        (per_modality.model_count / sum(per_modality.model_count) over ())::double
            as share_of_models,
        per_modality.total_downloads,
        (
            per_modality.total_downloads / nullif(sum(per_modality.total_downloads) over (), 0)
        )::double as share_of_downloads,
        per_modality.total_likes,
        (per_modality.total_likes / nullif(sum(per_modality.total_likes) over (), 0))::double
            as share_of_likes,
        case when per_modality.modality is not null
                then rank() over (
                    partition by per_modality.modality is null
                    order by per_modality.model_count desc
                )
        end as models_rank,
        case when per_modality.modality is not null
                then rank() over (
                    partition by per_modality.modality is null
                    order by per_modality.total_downloads desc
                )
        end as downloads_rank,
        case when per_modality.modality is not null
                then rank() over (
                    partition by per_modality.modality is null
                    order by per_modality.total_likes desc
                )
        end as likes_rank,
    from per_modality
    left join modality_legend
        on per_modality.modality is not distinct from modality_legend.modality

)

select * from final
