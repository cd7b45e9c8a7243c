-- One row: the numbers the report's "who builds on whom" section states.
with

families as (

    select * from {{ ref('model_families') }}

),

lineage as (

    select * from {{ ref('model_lineage') }}

),

license_drift as (

    select * from {{ ref('license_drift') }}

),

model_totals as (

    select
        count(*) as model_count,
        count(*) filter (where derivation <> 'original') as derivative_model_count,
        count(*) filter (where derivation = 'finetune') as finetune_model_count,
        count(*) filter (where derivation = 'quantized') as quantized_model_count,
        count(*) filter (where derivation = 'adapter') as adapter_model_count,
        count(*) filter (where derivation = 'merge') as merge_model_count,
        count(*) filter (where derivation = 'unspecified') as unspecified_model_count,
        count(*) filter (where base_model_count > 1) as several_bases_model_count,
        count(distinct root_model_id) filter (where depth > 0) as family_count,
        coalesce(max(depth), 0) as max_depth,
        count(*) filter (where is_in_cycle or has_self_reference) as cycle_model_count,
        count(*) filter (where lineage_status <> 'resolved') as unresolved_model_count,
    from families

),

edge_totals as (

    select
        count(*) filter (where not is_self_reference) as edge_count,
        count(distinct base_model_id) filter (where not is_self_reference) as base_model_count,
        count(distinct base_model_id) filter (
            where not is_self_reference and is_base_model_observed
        ) as observed_base_model_count,
        count(*) filter (where is_self_reference) as self_reference_count,
    from lineage

),

drift_totals as (

    select
        sum(edge_count)::bigint as license_edge_count,
        sum(edge_count) filter (where not is_same_family)::bigint as license_changed_edge_count,
    from license_drift

),

final as (

    select
        model_totals.model_count,
        model_totals.derivative_model_count,
        (model_totals.derivative_model_count / nullif(model_totals.model_count, 0))::double
            as derivative_share,
        model_totals.finetune_model_count,
        model_totals.quantized_model_count,
        model_totals.adapter_model_count,
        model_totals.merge_model_count,
        model_totals.unspecified_model_count,
        model_totals.several_bases_model_count,
        edge_totals.edge_count,
        edge_totals.base_model_count,
        edge_totals.observed_base_model_count,
        model_totals.family_count,
        model_totals.max_depth,
        model_totals.cycle_model_count,
        edge_totals.self_reference_count,
        model_totals.unresolved_model_count,
        drift_totals.license_edge_count,
        drift_totals.license_changed_edge_count,
        (
            drift_totals.license_changed_edge_count / nullif(drift_totals.license_edge_count, 0)
        )::double as license_changed_share,
    from model_totals
    cross join edge_totals
    cross join drift_totals

)

select * from final
