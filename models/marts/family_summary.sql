-- One row per family root with at least one observed member: how large and deep the family is,
-- how its members derive, and how popular it is against the root alone. A family is the root and
-- the models reached from it along single-parent edges (int_lineage_tree): a merge starts its own
-- family, so it is not counted in its bases' families (base_models counts it as a descendant).
with

families as (

    select model_id, root_model_id, is_root_observed, depth, derivation
    from {{ ref('model_families') }}
    where lineage_status = 'resolved'

),

models as (

    select
        model_id,
        category,
        modality,
        license,
        downloads,
        likes,
    from {{ ref('models') }}

),

members as (

    select
        families.*,
        models.downloads,
        models.likes,
    from families
    inner join models on families.model_id = models.model_id

),

per_root as (

    select
        root_model_id,
        is_root_observed,
        count(*) as family_size,
        count(*) filter (where depth > 0) as derivative_count,
        max(depth) as max_depth,
        count(*) filter (where depth > 0 and derivation = 'finetune') as finetune_count,
        count(*) filter (where depth > 0 and derivation = 'quantized') as quantized_count,
        count(*) filter (where depth > 0 and derivation = 'adapter') as adapter_count,
        count(*) filter (where depth > 0 and derivation = 'merge') as merge_count,
        count(*) filter (where depth > 0 and derivation = 'unspecified') as unspecified_count,
        sum(downloads)::bigint as family_downloads,
        sum(likes)::bigint as family_likes,
        sum(downloads) filter (where depth > 0)::bigint as derivative_downloads,
        sum(likes) filter (where depth > 0)::bigint as derivative_likes,
    from members
    group by root_model_id, is_root_observed

),

root_derivations as (

    select model_id, derivation from families
    where depth = 0

),

final as (

    select
        per_root.root_model_id,
        per_root.is_root_observed,
        root_derivations.derivation as root_derivation,
        roots.category as root_category,
        roots.modality as root_modality,
        roots.license as root_license,
        per_root.family_size,
        per_root.derivative_count,
        per_root.max_depth,
        per_root.finetune_count,
        per_root.quantized_count,
        per_root.adapter_count,
        per_root.merge_count,
        per_root.unspecified_count,
        roots.downloads as root_downloads,
        roots.likes as root_likes,
        per_root.family_downloads,
        per_root.family_likes,
        coalesce(per_root.derivative_downloads, 0) as derivative_downloads,
        coalesce(per_root.derivative_likes, 0) as derivative_likes,
        (roots.downloads / nullif(per_root.family_downloads, 0))::double
            as root_share_of_family_downloads,
        (roots.likes / nullif(per_root.family_likes, 0))::double as root_share_of_family_likes,
    from per_root
    left join root_derivations on per_root.root_model_id = root_derivations.model_id
    left join models as roots on per_root.root_model_id = roots.model_id

)

select * from final
