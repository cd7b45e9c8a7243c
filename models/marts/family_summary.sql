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
        models.category,
        models.modality,
        models.license,
        models.downloads,
        models.likes,
    from families
    inner join models on families.model_id = models.model_id

),

-- One pass over the members: the root is the member at depth 0 (none for an unobserved root),
-- so its own figures come from the same group as the family's. Joining the roots back instead
-- held every model twice, for the members and for the roots.
per_root as (

    select
        root_model_id,
        is_root_observed,
        any_value(derivation) filter (where depth = 0) as root_derivation,
        any_value(category) filter (where depth = 0) as root_category,
        any_value(modality) filter (where depth = 0) as root_modality,
        any_value(license) filter (where depth = 0) as root_license,
        any_value(downloads) filter (where depth = 0) as root_downloads,
        any_value(likes) filter (where depth = 0) as root_likes,
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

final as (

    select
        root_model_id,
        is_root_observed,
        root_derivation,
        root_category,
        root_modality,
        root_license,
        family_size,
        derivative_count,
        max_depth,
        finetune_count,
        quantized_count,
        adapter_count,
        merge_count,
        unspecified_count,
        root_downloads,
        root_likes,
        family_downloads,
        family_likes,
        coalesce(derivative_downloads, 0) as derivative_downloads,
        coalesce(derivative_likes, 0) as derivative_likes,
        (root_downloads / nullif(family_downloads, 0))::double as root_share_of_family_downloads,
        (root_likes / nullif(family_likes, 0))::double as root_share_of_family_likes,
    from per_root

)

select * from final
