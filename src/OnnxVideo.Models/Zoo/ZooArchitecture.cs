using OnnxVideo.Media;

namespace OnnxVideo.Models.Zoo;

/// <summary>
/// One architecture of the <see cref="ModelZoo"/>. <see cref="Define"/> adds the network from the input video value
/// to the logits, declaring parameters under the architecture's reference names (through
/// <see cref="ZooGraph.Parameter"/>, so weights files and random initialisation work alike). The pooled features
/// must be the value <c>features</c> [F] and the logits the value <c>logits</c> [classes] (give those names to the
/// nodes producing them); <see cref="ModelZoo"/> declares the graph outputs.
/// </summary>
internal abstract class ZooArchitecture
{
    public abstract string Name { get; }
    public abstract string Description { get; }
    public virtual int DefaultFrames => 16;
    public virtual int DefaultSize => 112;
    /// <summary>Parameter names of the classification head (their first dimension is the class count).</summary>
    public abstract IReadOnlyList<string> HeadParameters { get; }

    /// <summary>Layout of the <c>video</c> input: NCTHW (torchvision) unless the architecture says otherwise.</summary>
    public virtual TensorLayout InputLayout => TensorLayout.NCTHW;

    /// <summary>Per-sample shape of the <c>video</c> input in <see cref="InputLayout"/>.</summary>
    public long[] InputShape(int frames, int size) =>
        InputLayout == TensorLayout.NTCHW ? [frames, 3, size, size] : [3, frames, size, size];

    /// <summary>The preprocessing the architecture expects (torchvision Kinetics normalisation by default).</summary>
    public virtual PreprocessingContract DefaultContract(int frames, int size) => new()
    {
        Frames = frames,
        CropSize = size,
        ResizeShortSide = (int)Math.Round(size * 128.0 / 112.0),
        Layout = InputLayout,
    };

    /// <summary>Builds the network; <paramref name="video"/> is one sample in <see cref="InputShape"/>.</summary>
    public abstract ZooNetworkOutputs Define(ZooGraph graph, ZooValue video, int classes);
}
