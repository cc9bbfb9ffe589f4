namespace OnnxVideo.Ort.Tests;

public sealed class HandleTests
{
    [Fact]
    public void DisposingTwiceIsSafeAndUseAfterDisposeThrows()
    {
        var session = new OrtSession(TestModels.Add());
        var value = OrtValue.CreateTensor(new float[4], 1, 4);
        var binding = session.CreateIoBinding();
        var runOptions = new OrtRunOptions();
        var memoryInfo = new OrtMemoryInfo(OrtMemoryInfo.CpuName, OrtAllocatorType.Arena, 0, OrtMemoryType.Default);
        var allocator = session.CreateAllocator(OrtMemoryInfo.Cpu);

        IDisposable[] all = [binding, value, runOptions, memoryInfo, allocator, session];
        foreach (var disposable in all)
        {
            disposable.Dispose();
            disposable.Dispose();
        }

        Assert.True(value.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => value.GetTensorSpan<float>().Length);
        Assert.Throws<ObjectDisposedException>(() => session.Run(["a", "b"], [value, value]));
        Assert.Throws<ObjectDisposedException>(() => runOptions.Terminate());
        Assert.Throws<ObjectDisposedException>(() => binding.ClearBoundInputs());
        Assert.Throws<ObjectDisposedException>(() => memoryInfo.DeviceId);
        Assert.Throws<ObjectDisposedException>(() => allocator.Allocate(8));
    }

    [Fact]
    public void ProcessWideObjectsSurviveDispose()
    {
        OrtMemoryInfo.Cpu.Dispose();
        OrtAllocator.Default.Dispose();
        Assert.Equal(OrtMemoryInfo.CpuName, OrtMemoryInfo.Cpu.DeviceName);
        var block = OrtAllocator.Default.Allocate(16);
        OrtAllocator.Default.Free(block);
    }

    [Fact]
    public void OutputsOutliveTheirSession()
    {
        OrtValue sum;
        using (var session = new OrtSession(TestModels.Add()))
        {
            using var a = OrtValue.CreateTensor(new float[] { 1, 1, 1, 1 }, 1, 4);
            sum = session.Run(["a", "b"], [a, a])[0];
        }

        using (sum)
        {
            Assert.Equal(new float[] { 2, 2, 2, 2 }, sum.ToArray<float>());
        }
    }
}
