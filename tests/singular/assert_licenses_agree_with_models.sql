{#- int_model_license_families reads the licence from the stored tags, `models` from the tag
    lists (int_model_tags_summarised): two readings of "the first licence tag", held equal. -#}
with

families as (

    select model_id, license from {{ ref('int_model_license_families') }}

),

models as (

    select model_id, license from {{ ref('models') }}

),

final as (

    select
        models.model_id,
        models.license as models_license,
        families.license as families_license,
    from models
    full join families on models.model_id = families.model_id
    where models.license is distinct from families.license

)

select * from final
