-- Question: what is one model's family tree: its root, its path, and what derives from it?
-- Change the id in `chosen` to look at another model. Every member of the chosen model's family
-- is listed with its depth below the root and the path down to it.
with

chosen as (

    select 'zai-org/GLM-4.5-Air' as model_id

),

family as (

    select members.*
    from marts.model_families as members
    inner join marts.model_families as picked
        on members.root_model_id = picked.root_model_id
    inner join chosen on picked.model_id = chosen.model_id

),

final as (

    select
        model_id,
        depth,
        derivation,
        array_to_string(lineage_path, ' > ') as path_from_root,
        direct_derivative_count,
        descendant_count,
    from family

)

select * from final
order by depth, model_id
