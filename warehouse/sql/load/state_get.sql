select watermark, watermark_type
from source_state
where source_name = $source_name
