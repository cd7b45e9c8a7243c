-- One row per observed model: its family (root, depth, path) from the single-parent walk, how it
-- derives, and how many models derive from it. Merges start their own family (see
-- int_lineage_tree); cycles are flagged, never followed. A model the walk has no row for is a
-- root without derivatives when it does not have exactly one base, else unreached (on or below a
-- cycle, or too deep). Every other input is narrower than one row per model, so the only input
-- that is streams (the licence families, one row per model) and no hash table holds every model.
with

license_families as (

    select model_id, license_family from {{ ref('int_model_license_families') }}

),

tree as (

    select * from {{ ref('int_lineage_tree') }}

),

derivations as (

    select * from {{ ref('int_model_derivations') }}

),

counts as (

    select * from {{ ref('int_lineage_descendant_counts') }}

),

-- On a cycle, a model is its own ancestor. Read apart from the pairs below: one CTE read twice
-- would be materialized, the whole closure held in memory to find a few cycles.
cycle_members as (

    select model_id from {{ ref('int_lineage_ancestors') }}
    where model_id = ancestor_model_id

),

ancestors as (

    select model_id, ancestor_model_id from {{ ref('int_lineage_ancestors') }}

),

-- Models with an ancestor on a cycle; the walk reaches those whose chain avoids it (a merge of
-- a cycle member and another base), the others are below the cycle. Small: a clean snapshot
-- has no cycle.
below_cycle as (

    select distinct ancestors.model_id
    from ancestors
    semi join cycle_members on ancestors.ancestor_model_id = cycle_members.model_id

),

placed as (

    select
        license_families.model_id,
        license_families.license_family,
        tree.root_model_id,
        tree.is_root_observed,
        tree.depth,
        tree.lineage_path,
        derivations.base_model_count,
        derivations.derivation,
        derivations.has_self_reference,
        tree.model_id is not null as is_walked,
        tree.model_id is null
        and coalesce(derivations.base_model_count, 0) <> 1 as is_lone_root,
    from license_families
    left join tree on license_families.model_id = tree.model_id
    left join derivations on license_families.model_id = derivations.model_id

),

final as (

    select
        placed.model_id,
        case when placed.is_lone_root then placed.model_id else placed.root_model_id end
            as root_model_id,
        case when placed.is_lone_root then true else placed.is_root_observed end
            as is_root_observed,
        -- `depth` is a keyword to sqlfluff, but the column's name the issue uses.
        case when placed.is_lone_root then 0 else placed.depth end as depth,  -- noqa: RF04
        case when placed.is_lone_root then [placed.model_id] else placed.lineage_path end
            as lineage_path,
        coalesce(placed.base_model_count, 0) as base_model_count,
        coalesce(placed.derivation, 'original') as derivation,
        placed.license_family,
        coalesce(placed.has_self_reference, false) as has_self_reference,
        cycle_members.model_id is not null as is_in_cycle,
        case
            when placed.is_walked or placed.is_lone_root then 'resolved'
            when cycle_members.model_id is not null then 'in_cycle'
            when below_cycle.model_id is not null then 'below_cycle'
            else 'too_deep'
        end as lineage_status,
        coalesce(counts.direct_derivative_count, 0) as direct_derivative_count,
        coalesce(counts.direct_finetune_count, 0) as direct_finetune_count,
        coalesce(counts.direct_quantized_count, 0) as direct_quantized_count,
        coalesce(counts.direct_adapter_count, 0) as direct_adapter_count,
        coalesce(counts.direct_merge_count, 0) as direct_merge_count,
        coalesce(counts.direct_unspecified_count, 0) as direct_unspecified_count,
        coalesce(counts.descendant_count, 0) as descendant_count,
        coalesce(counts.descendant_finetune_count, 0) as descendant_finetune_count,
        coalesce(counts.descendant_quantized_count, 0) as descendant_quantized_count,
        coalesce(counts.descendant_adapter_count, 0) as descendant_adapter_count,
        coalesce(counts.descendant_merge_count, 0) as descendant_merge_count,
        coalesce(counts.descendant_unspecified_count, 0) as descendant_unspecified_count,
    from placed
    left join counts on placed.model_id = counts.model_id
    left join cycle_members on placed.model_id = cycle_members.model_id
    left join below_cycle on placed.model_id = below_cycle.model_id

)

select * from final
