namespace OnnxVideo.Media;

/// <summary>Memory layout of a clip batch tensor.</summary>
public enum TensorLayout
{
    /// <summary>Batch, channels, time, height, width (torchvision video models).</summary>
    NCTHW,
    /// <summary>Batch, time, channels, height, width (VideoMAE / ViViT).</summary>
    NTCHW,
}
