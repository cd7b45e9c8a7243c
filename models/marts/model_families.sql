-- One row per observed model: its family (root, depth, path) from the single-parent walk, how it
-- derives, and how many models derive from it. Merges start their own family (see
-- int_lineage_tree); cycles are flagged, never followed.
with

models as (

    select model_id from {{ ref('models') }}

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

ancestors as (

    select * from {{ ref('int_lineage_ancestors') }}

),

license_families as (

    select model_id, license_family from {{ ref('int_model_license_families') }}

),

cycle_members as (

    select model_id from ancestors
    where model_id = ancestor_model_id

),

-- Models with an ancestor on a cycle; the walk reaches those whose chain avoids it (a merge of
-- a cycle member and another base), the others are below the cycle. Small: a clean snapshot
-- has no cycle, and this reads only the closure, not every model again.
below_cycle as (

    select distinct ancestors.model_id
    from ancestors
    semi join cycle_members on ancestors.ancestor_model_id = cycle_members.model_id

),

final as (

    select
        models.model_id,
        tree.root_model_id,
        tree.is_root_observed,
        tree.depth,
        tree.lineage_path,
        coalesce(derivations.base_model_count, 0) as base_model_count,
        coalesce(derivations.derivation, 'original') as derivation,
        license_families.license_family,
        coalesce(derivations.has_self_reference, false) as has_self_reference,
        cycle_members.model_id is not null as is_in_cycle,
        case
            when tree.model_id is not null then 'resolved'
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
    from models
    left join tree on models.model_id = tree.model_id
    left join derivations on models.model_id = derivations.model_id
    left join license_families on models.model_id = license_families.model_id
    left join counts on models.model_id = counts.model_id
    left join cycle_members on models.model_id = cycle_members.model_id
    left join below_cycle on models.model_id = below_cycle.model_id

)

select * from final
