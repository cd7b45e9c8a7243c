-- One edge per model and base model its newest tag list names. The Hub lists a derivative's base
-- twice (`base_model:x` and `base_model:finetune:x`): both tags are one edge, with the relation.
-- The family walk and the counts read the edges here; `model_lineage` is a view of them.
{{ config(materialized='table') }}

with

model_tags as (

    select
        model_id,
        tag_value,
        base_model_relation,
        tag_position,
    from {{ ref('int_model_tags_classified') }}
    where tag_type = 'base_model'

),

-- Each model's newest observation: the models of the `models` mart.
models as (

    select model_id, snapshot_id as last_snapshot_id from {{ ref('int_models_deduplicated') }}

),

-- `base_model:` or `base_model:finetune:` with nothing after names no model: not an edge.
named_bases as (

    select * from model_tags
    where tag_value <> ''

),

-- A base listed with two different relations keeps the first listed (the Hub never does this in
-- the recorded response; it is a guess at what its author meant first).
edges as (

    select
        model_id,
        tag_value as base_model_id,
        arg_min(base_model_relation, tag_position) filter (
            where base_model_relation is not null
        ) as relation,
        min(tag_position) as base_model_position,
    from named_bases
    group by model_id, tag_value

),

final as (

    select
        edges.model_id,
        edges.base_model_id,
        edges.relation,
        edges.base_model_position,
        bases.model_id is not null as is_base_model_observed,
        edges.model_id = edges.base_model_id as is_self_reference,
        models.last_snapshot_id as snapshot_id,
    from edges
    inner join models on edges.model_id = models.model_id
    left join models as bases on edges.base_model_id = bases.model_id

)

select * from final
