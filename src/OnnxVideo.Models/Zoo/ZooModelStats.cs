namespace OnnxVideo.Models.Zoo;

/// <summary>Size and cost of a zoo model for one clip.</summary>
internal sealed record ZooModelStats(string Architecture, int Classes, int Frames, int Size, long Parameters, long MultiplyAccumulates)
{
    /// <summary>Floating-point operations per clip, counting a multiply-accumulate as two.</summary>
    public double GFlops => 2.0 * MultiplyAccumulates / 1e9;
    /// <summary>Multiply-accumulates per clip in billions (the figure torchvision's model tables call "GFLOPS").</summary>
    public double GMacs => MultiplyAccumulates / 1e9;
}
