namespace OnnxVideo.Models.Zoo;

/// <summary>Tensor names of <see cref="VideoVit"/> models: Hugging Face VideoMAE state-dict keys.</summary>
internal static class VideoVitNames
{
    public const string PatchProjection = "videomae.embeddings.patch_embeddings.projection";
    /// <summary>The fixed sinusoid table: a constant of the graph, not a parameter (VideoMAE does not store it either).</summary>
    public const string PositionEmbeddings = "videomae.embeddings.position_embeddings";
    public const string ClsToken = "videomae.embeddings.cls_token";
    public const string FinalNorm = "videomae.layernorm";
    public const string FcNorm = "fc_norm";
    public const string Classifier = "classifier";

    /// <summary>Prefix of block <paramref name="index"/>'s parameters, e.g. "videomae.encoder.layer.0.".</summary>
    public static string Layer(int index) => $"videomae.encoder.layer.{index}.";
}
