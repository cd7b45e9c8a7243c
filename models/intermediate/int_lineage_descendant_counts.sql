-- Per model named as a base (observed or not): its direct derivatives by the relation of their
-- edge, and all its descendants (any chain, merges included) by how each derives from its own
-- base(s). Read by model_families (observed models) and base_models (every base): a table, so the
-- join of the whole closure with every derivation runs once, not in each.
{{ config(materialized='table') }}

with

lineage as (

    select base_model_id, relation from {{ ref('int_lineage_edges') }}
    where not is_self_reference

),

ancestors as (

    select * from {{ ref('int_lineage_ancestors') }}

),

derivations as (

    select model_id, derivation from {{ ref('int_model_derivations') }}

),

direct_counts as (

    select
        base_model_id as model_id,
        count(*) as direct_derivative_count,
        count(*) filter (where relation = 'finetune') as direct_finetune_count,
        count(*) filter (where relation = 'quantized') as direct_quantized_count,
        count(*) filter (where relation = 'adapter') as direct_adapter_count,
        count(*) filter (where relation = 'merge') as direct_merge_count,
        count(*) filter (where relation is null) as direct_unspecified_count,
    from lineage
    group by base_model_id

),

-- A model on a cycle is its own ancestor; that pair is not a descendant.
descendant_counts as (

    select
        ancestors.ancestor_model_id as model_id,
        count(*) as descendant_count,
        count(*) filter (where derivations.derivation = 'finetune') as descendant_finetune_count,
        count(*) filter (where derivations.derivation = 'quantized')
            as descendant_quantized_count,
        count(*) filter (where derivations.derivation = 'adapter') as descendant_adapter_count,
        count(*) filter (where derivations.derivation = 'merge') as descendant_merge_count,
        count(*) filter (where derivations.derivation = 'unspecified')
            as descendant_unspecified_count,
    from ancestors
    inner join derivations on ancestors.model_id = derivations.model_id
    where ancestors.model_id <> ancestors.ancestor_model_id
    group by ancestors.ancestor_model_id

),

final as (

    select
        direct_counts.model_id,
        direct_counts.direct_derivative_count,
        direct_counts.direct_finetune_count,
        direct_counts.direct_quantized_count,
        direct_counts.direct_adapter_count,
        direct_counts.direct_merge_count,
        direct_counts.direct_unspecified_count,
        coalesce(descendant_counts.descendant_count, 0) as descendant_count,
        coalesce(descendant_counts.descendant_finetune_count, 0) as descendant_finetune_count,
        coalesce(descendant_counts.descendant_quantized_count, 0) as descendant_quantized_count,
        coalesce(descendant_counts.descendant_adapter_count, 0) as descendant_adapter_count,
        coalesce(descendant_counts.descendant_merge_count, 0) as descendant_merge_count,
        coalesce(descendant_counts.descendant_unspecified_count, 0)
            as descendant_unspecified_count,
    from direct_counts
    left join descendant_counts on direct_counts.model_id = descendant_counts.model_id

)

select * from final
