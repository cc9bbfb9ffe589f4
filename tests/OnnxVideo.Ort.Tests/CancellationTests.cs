namespace OnnxVideo.Ort.Tests;

public sealed class CancellationTests
{
    // Far more steps than could finish during the test run; only cancellation ends it early.
    private static readonly byte[] LongModel = TestModels.LongLoop(50_000_000);

    [Fact]
    public async Task CancellingTheTokenStopsALongRun()
    {
        using var session = new OrtSession(LongModel, new OrtSessionOptions { IntraOpThreads = 1 });
        using var x = OrtValue.CreateTensor(TestData.Random(64, 10), 1, 64);
        using var cancellation = new CancellationTokenSource();
        var run = Task.Factory.StartNew(() => session.Run(["x"], [x], null, cancellation.Token), TaskCreationOptions.LongRunning);
        await Task.Delay(200);
        Assert.False(run.IsCompleted);
        cancellation.Cancel();
        var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(60)));
        Assert.Same(run, finished);
        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);

        // Normally ORT was running and reports the terminate flag; on a starved machine the token may win the race
        // before ORT starts, which is also a correct cancellation.
        Assert.True(error.InnerException is null or OrtException, error.ToString());
        Assert.Equal(cancellation.Token, error.CancellationToken);
    }

    [Fact]
    public async Task TerminatingRunOptionsStopsABindingRun()
    {
        using var session = new OrtSession(LongModel, new OrtSessionOptions { IntraOpThreads = 1 });
        using var x = OrtValue.CreateTensor(TestData.Random(64, 11), 1, 64);
        using var binding = session.CreateIoBinding();
        binding.BindInput("x", x);
        binding.BindOutputToDevice(session.OutputNames[0], OrtMemoryInfo.Cpu);
        using var runOptions = new OrtRunOptions();
        var run = Task.Factory.StartNew(() => session.RunWithBinding(binding, runOptions), TaskCreationOptions.LongRunning);
        await Task.Delay(200);
        runOptions.Terminate();
        var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(60)));
        Assert.Same(run, finished);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact]
    public void AnAlreadyCancelledTokenDoesNotStartTheRun()
    {
        using var session = new OrtSession(TestModels.Add());
        using var a = OrtValue.CreateTensor(new float[4], 1, 4);
        Assert.Throws<OperationCanceledException>(() => session.Run(["a", "b"], [a, a], null, new CancellationToken(canceled: true)));
    }

    [Fact]
    public void ResetRunOptionsRunAgain()
    {
        using var session = new OrtSession(TestModels.Add());
        using var a = OrtValue.CreateTensor(new float[] { 1, 2, 3, 4 }, 1, 4);
        using var runOptions = new OrtRunOptions();
        runOptions.Terminate();
        Assert.ThrowsAny<OperationCanceledException>(() => session.Run(["a", "b"], [a, a], null, runOptions));
        runOptions.ResetTerminate();
        using var sum = session.Run(["a", "b"], [a, a], null, runOptions)[0];
        Assert.Equal(new float[] { 2, 4, 6, 8 }, sum.ToArray<float>());
    }
}
