-- Base models ranked by how many sampled models derive from them (any chain), the data of the
-- "who builds on whom" bars. Ties go to the base with more direct derivatives, then by id.
with

base_models as (

    select * from {{ ref('base_models') }}

),

ranked as (

    select
        *,
        row_number() over (
            order by descendant_count desc, direct_derivative_count desc, base_model_id asc
        ) as descendant_rank,
    from base_models

),

final as (

    select
        descendant_rank,
        base_model_id,
        author,
        is_observed,
        direct_derivative_count,
        descendant_count,
        descendant_finetune_count,
        descendant_quantized_count,
        descendant_adapter_count,
        descendant_merge_count,
        descendant_unspecified_count,
    from ranked
    where descendant_rank <= {{ var('lineage_top_n') }}

)

select * from final
