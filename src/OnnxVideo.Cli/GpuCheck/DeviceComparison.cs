namespace OnnxVideo.Cli.GpuCheck;

/// <summary>One quantity computed on the CPU and on a device: the largest difference and the tolerance it must stay within.</summary>
internal sealed record DeviceComparison(string Device, string Quantity, double MaxDifference, double Tolerance, double CpuPerSecond, double DevicePerSecond)
{
    public bool Passed => MaxDifference <= Tolerance;

    /// <summary>Largest |a − b| / (1 + |a|): absolute for small values, relative for large ones.</summary>
    public static double Difference(ReadOnlySpan<float> cpu, ReadOnlySpan<float> device)
    {
        if (cpu.Length != device.Length)
        {
            return double.PositiveInfinity;
        }

        var worst = 0.0;
        for (var i = 0; i < cpu.Length; i++)
        {
            var difference = Math.Abs((double)cpu[i] - device[i]) / (1 + Math.Abs((double)cpu[i]));
            worst = double.IsNaN(difference) ? double.PositiveInfinity : Math.Max(worst, difference);
        }

        return worst;
    }
}
