-- One row per observed model: its family (root, depth, path) from the single-parent walk, how it
-- derives, and how many models derive from it. Merges start their own family (see
-- int_lineage_tree); cycles are flagged, never followed. A model the walk has no row for is a
-- root without derivatives when it does not have exactly one base, else unreached (on or below a
-- cycle, or too deep). The facts come one row per model and stream; the one hash table is the
-- walk's, which holds only real trees.
with

counted as (

    select * from {{ ref('int_model_lineage_counted') }}

),

tree as (

    select * from {{ ref('int_lineage_tree') }}

),

placed as (

    select
        counted.*,
        tree.root_model_id,
        tree.is_root_observed,
        tree.depth,
        tree.lineage_path,
        tree.model_id is not null as is_walked,
        tree.model_id is null and counted.base_model_count <> 1 as is_lone_root,
    from counted
    left join tree on counted.model_id = tree.model_id

),

final as (

    select
        model_id,
        case when is_lone_root then model_id else root_model_id end as root_model_id,
        case when is_lone_root then true else is_root_observed end as is_root_observed,
        -- `depth` is a keyword to sqlfluff, but the column's name the issue uses.
        case when is_lone_root then 0 else depth end as depth,  -- noqa: RF04
        case when is_lone_root then [model_id] else lineage_path end as lineage_path,
        base_model_count,
        derivation,
        license_family,
        has_self_reference,
        is_in_cycle,
        case
            when is_walked or is_lone_root then 'resolved'
            when is_in_cycle then 'in_cycle'
            when is_below_cycle then 'below_cycle'
            else 'too_deep'
        end as lineage_status,
        direct_derivative_count,
        direct_finetune_count,
        direct_quantized_count,
        direct_adapter_count,
        direct_merge_count,
        direct_unspecified_count,
        descendant_count,
        descendant_finetune_count,
        descendant_quantized_count,
        descendant_adapter_count,
        descendant_merge_count,
        descendant_unspecified_count,
    from placed

)

select * from final
