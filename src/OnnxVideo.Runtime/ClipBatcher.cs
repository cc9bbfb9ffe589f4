using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace OnnxVideo.Runtime;

/// <summary>
/// Dynamic batcher: clips submitted by any number of concurrent callers queue in a bounded channel (writers wait when
/// it is full); one loop takes up to <c>MaxBatch</c> clips, waiting at most <c>maxDelay</c> for a batch to fill,
/// runs them in one ONNX Runtime call and completes each caller's task with its logits.
/// Submitted buffers belong to the batcher, which returns them to the pool once staged.
/// </summary>
internal sealed class ClipBatcher : IAsyncDisposable
{
    private sealed class Request(float[] clip, CancellationToken token)
    {
        public float[] Clip { get; } = clip;
        public CancellationToken Token { get; } = token;
        public long EnqueuedAt { get; } = Stopwatch.GetTimestamp();
        public TaskCompletionSource<ClipLogits> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public CancellationTokenRegistration Registration { get; set; }
    }

    private readonly IClipBatchRunner _runner;
    private readonly ClipBufferPool _pool;
    private readonly TimeSpan _maxDelay;
    private readonly ILogger _logger;
    private readonly Channel<Request> _queue;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Task _loop;
    private readonly Lock _runLock = new();
    private Request[] _inFlight = [];
    private int _disposed;

    public ClipBatcher(IClipBatchRunner runner, ClipBufferPool pool, TimeSpan maxDelay, ILogger logger)
    {
        _runner = runner;
        _pool = pool;
        _maxDelay = maxDelay;
        _logger = logger;
        _queue = Channel.CreateBounded<Request>(new BoundedChannelOptions(Math.Max(2, 2 * runner.MaxBatch))
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _loop = Task.Run(RunLoopAsync);
    }

    public long BatchesRun { get; private set; }
    public long ClipsRun { get; private set; }

    /// <summary>
    /// Queues one clip; waits while the queue is full. Ownership of <paramref name="clip"/> passes to the batcher once
    /// this returns a task (it is returned to the pool after staging). Cancelling <paramref name="cancellationToken"/>
    /// completes the task as cancelled at once; a batch whose clips are all cancelled is stopped inside ONNX Runtime.
    /// </summary>
    public async ValueTask<Task<ClipLogits>> SubmitAsync(float[] clip, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var request = new Request(clip, cancellationToken);
        if (cancellationToken.CanBeCanceled)
        {
            request.Registration = cancellationToken.Register(() => OnRequestCancelled(request));
        }
        try
        {
            await _queue.Writer.WriteAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            request.Registration.Dispose();
            throw new ObjectDisposedException(nameof(VideoClassifier));
        }
        catch
        {
            request.Registration.Dispose();
            throw;
        }
        return request.Done.Task;
    }

    private void OnRequestCancelled(Request request)
    {
        if (!request.Done.TrySetCanceled(request.Token))
        {
            return;
        }
        lock (_runLock)
        {
            var inFlight = _inFlight;
            if (inFlight.Length > 0 && Array.IndexOf(inFlight, request) >= 0 && inFlight.All(r => r.Done.Task.IsCompleted))
            {
                _runner.Terminate(_runner.Generation);
            }
        }
    }

    private async Task RunLoopAsync()
    {
        var batch = new List<Request>(_runner.MaxBatch);
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_shutdown.Token).ConfigureAwait(false))
            {
                batch.Clear();
                await FillBatchAsync(reader, batch).ConfigureAwait(false);
                RunBatch(batch);
            }
        }
        catch (OperationCanceledException) when (_shutdown.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var request in batch)
            {
                request.Done.TrySetException(new ObjectDisposedException(nameof(VideoClassifier)));
            }
            while (reader.TryRead(out var request))
            {
                _pool.Return(request.Clip);
                request.Done.TrySetException(new ObjectDisposedException(nameof(VideoClassifier)));
            }
        }
    }

    private async Task FillBatchAsync(ChannelReader<Request> reader, List<Request> batch)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(_maxDelay.TotalSeconds * Stopwatch.Frequency);
        while (batch.Count < _runner.MaxBatch)
        {
            if (reader.TryRead(out var request))
            {
                batch.Add(request);
                continue;
            }
            var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            if (remaining <= TimeSpan.Zero || batch.Count == 0)
            {
                return;
            }
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(_shutdown.Token);
            wait.CancelAfter(remaining);
            try
            {
                if (!await reader.WaitToReadAsync(wait.Token).ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (!_shutdown.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private void RunBatch(List<Request> batch)
    {
        var live = new List<Request>(batch.Count);
        foreach (var request in batch)
        {
            if (request.Done.Task.IsCompleted || request.Token.IsCancellationRequested)
            {
                request.Done.TrySetCanceled(request.Token);
            }
            else
            {
                _runner.Stage(live.Count, request.Clip);
                live.Add(request);
            }
            _pool.Return(request.Clip);
        }
        batch.Clear();
        if (live.Count == 0)
        {
            return;
        }
        lock (_runLock)
        {
            _inFlight = [.. live];
        }
        long started = Stopwatch.GetTimestamp();
        try
        {
            _runner.Run(live.Count);
        }
        catch (Exception e)
        {
            lock (_runLock)
            {
                _inFlight = [];
            }
            if (live.All(r => r.Done.Task.IsCompleted) || _shutdown.IsCancellationRequested)
            {
                foreach (var request in live)
                {
                    request.Done.TrySetException(new OperationCanceledException("inference stopped", e));
                }
                return;
            }
            _logger.LogError(e, "ONNX Runtime failed on a batch of {Count} clips", live.Count);
            var failure = new InferenceFailedException($"inference failed on a batch of {live.Count} clips: {e.Message}", e);
            foreach (var request in live)
            {
                request.Done.TrySetException(failure);
            }
            return;
        }
        var elapsed = Stopwatch.GetElapsedTime(started);
        lock (_runLock)
        {
            _inFlight = [];
        }
        BatchesRun++;
        ClipsRun += live.Count;
        var share = elapsed / live.Count;
        for (int i = 0; i < live.Count; i++)
        {
            var request = live[i];
            var queued = Stopwatch.GetElapsedTime(request.EnqueuedAt, started);
            request.Done.TrySetResult(new ClipLogits(_runner.Logits(i).ToArray(), share, queued));
            request.Registration.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _queue.Writer.TryComplete();
        _shutdown.Cancel();
        _runner.Terminate(_runner.Generation);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        _shutdown.Dispose();
    }
}
