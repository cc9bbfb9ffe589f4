namespace OnnxVideo.Models.Zoo;

/// <summary>A value in a zoo graph with its per-sample shape (the batch dimension N is implicit and first).</summary>
internal sealed record ZooValue(string Name, long[] Shape)
{
    public long Channels => Shape[0];
}
