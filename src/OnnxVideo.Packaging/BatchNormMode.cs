namespace OnnxVideo.Packaging;

/// <summary>How BatchNormalization layers behave in the compiled training graphs.</summary>
internal enum BatchNormMode
{
    /// <summary>Training mode for the layers whose scale or bias is trained; the others keep frozen statistics.</summary>
    Auto,
    /// <summary>Every BatchNormalization normalises with batch statistics and updates its running statistics.</summary>
    Train,
    /// <summary>Every BatchNormalization keeps its running statistics (inference behaviour, as in PyTorch's eval()).</summary>
    Frozen,
}
