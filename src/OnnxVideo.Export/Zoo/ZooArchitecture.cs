namespace OnnxVideo.Export.Zoo;

/// <summary>
/// One architecture of the <see cref="ModelZoo"/>. <see cref="Define"/> adds the network from the input video value
/// to the logits, declaring parameters under the architecture's reference names.
/// </summary>
public abstract class ZooArchitecture
{
    public abstract string Name { get; }
    public abstract string Description { get; }
    public virtual int DefaultFrames => 16;
    public virtual int DefaultSize => 112;
    /// <summary>Parameter names of the classification head (their first dimension is the class count).</summary>
    public abstract IReadOnlyList<string> HeadParameters { get; }

    /// <summary>Builds the network; <paramref name="video"/> is [3, T, S, S] per sample.</summary>
    public abstract ZooNetworkOutputs Define(ZooGraph graph, ZooValue video, int classes);
}
