namespace OnnxVideo.Testing;

/// <summary>Float equality within |a - b| ≤ absolute + relative·|b|.</summary>
internal sealed class ToleranceComparer(float absolute, float relative) : IEqualityComparer<float>
{
    public bool Equals(float a, float b) => Math.Abs(a - b) <= absolute + relative * Math.Abs(b);

    public int GetHashCode(float value) => 0;
}
