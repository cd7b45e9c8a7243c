-- Each model's licence family (seed `licenses`): `none` without a licence tag, `other` for a
-- licence the seed does not list yet (warn_unmapped_licenses names them). Read from the stored
-- tags, not from the `models` mart, so that no intermediate model reads a mart.
with

observed as (

    select model_id from {{ ref('int_models_deduplicated') }}

),

license_tags as (

    select model_id, tag_value, tag_position from {{ ref('int_model_tags_classified') }}
    where tag_type = 'license'

),

licenses as (

    select * from {{ ref('licenses') }}

),

-- The first licence tag listed, as `models.license` takes it (int_model_tags_summarised).
first_licenses as (

    select
        model_id,
        arg_min(tag_value, tag_position) as license,
    from license_tags
    group by model_id

),

models as (

    select
        observed.model_id,
        first_licenses.license,
    from observed
    left join first_licenses on observed.model_id = first_licenses.model_id

),

final as (

    select
        models.model_id,
        models.license,
        case
            when models.license is null or models.license = '' then 'none'
            else coalesce(licenses.license_family, 'other')
        end as license_family,
        models.license is not null
        and models.license <> ''
        and licenses.license is null as is_license_unmapped,
    from models
    left join licenses on lower(models.license) = licenses.license

)

select * from final
