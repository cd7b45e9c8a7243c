with

models as (

    select * from {{ ref('models') }}

),

{{ popularity_by('author') }}

select * from final
