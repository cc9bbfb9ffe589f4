namespace OnnxVideo.Onnx.Graphs;

/// <summary>How <see cref="Conv3dTapStacking"/> runs a 3-D conv's temporal taps as 2-D convs.</summary>
internal enum TapStackForm
{
    /// <summary>One 2-D conv over the taps' frames concatenated along the channels (kt·Cin input channels).</summary>
    Stacked,

    /// <summary>As <see cref="Stacked"/>, the taps' frames taken by one Gather along time instead of a Slice per tap and a Concat.</summary>
    Gathered,

    /// <summary>One 2-D conv per temporal tap, the results summed (no stacked copy; measured against Stacked only).</summary>
    Summed,
}
