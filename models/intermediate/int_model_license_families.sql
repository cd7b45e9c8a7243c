-- Each model's licence family (seed `licenses`): `none` without a licence tag, `other` for a
-- licence the seed does not list yet (warn_unmapped_licenses names them).
with

models as (

    select model_id, license from {{ ref('models') }}

),

licenses as (

    select * from {{ ref('licenses') }}

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
