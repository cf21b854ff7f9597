import CBLAS
enum EmbeddingsPlaceholder {}
