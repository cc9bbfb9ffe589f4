namespace OnnxVideo.Models.Zoo;

/// <summary>How <see cref="VideoVitBuilder"/> turns the token sequence into one feature vector per clip.</summary>
internal enum VideoVitPooling
{
    /// <summary>Mean over all patch tokens, then <c>fc_norm</c> (VideoMAE's <c>use_mean_pooling=True</c>).</summary>
    Mean,

    /// <summary>
    /// A learned [CLS] token (<c>videomae.embeddings.cls_token</c>, ViViT style) is prepended to the patch tokens; the
    /// final <c>videomae.layernorm</c> output at that token is the feature vector.
    /// </summary>
    Cls,
}
