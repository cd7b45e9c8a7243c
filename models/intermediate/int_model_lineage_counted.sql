-- Each observed model's lineage facts that do not depend on its place in a tree: licence family,
-- how it derives, its descendant counts and whether it is on or below a cycle. model_families
-- adds the tree. Apart so that no one query holds every hash table at once: these joins build
-- on the derivations and counts, model_families' on the walk, and at 3M models the four together
-- did not fit the default cap.
{{ config(materialized='table') }}

with

license_families as (

    select model_id, license_family from {{ ref('int_model_license_families') }}

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

final as (

    select
        license_families.model_id,
        license_families.license_family,
        coalesce(derivations.base_model_count, 0) as base_model_count,
        coalesce(derivations.derivation, 'original') as derivation,
        coalesce(derivations.has_self_reference, false) as has_self_reference,
        cycle_members.model_id is not null as is_in_cycle,
        below_cycle.model_id is not null as is_below_cycle,
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
    from license_families
    left join derivations on license_families.model_id = derivations.model_id
    left join counts on license_families.model_id = counts.model_id
    left join cycle_members on license_families.model_id = cycle_members.model_id
    left join below_cycle on license_families.model_id = below_cycle.model_id

)

select * from final
