"An encoder for the worker-loss test: the static model, slowed down so a worker can be killed mid-stage (imported by the workers)"
import os, time

class SlowStatic:
    "`paperlens.embed`'s static model, `delay` seconds slower per call; records the pid of the process that encoded"
    def __init__(self, delay:float, log:str):
        self.delay, self.log = delay, log
        self.paperlens_id = 'slow-static-test'
    def encode(self, texts):
        from paperlens.embed import load_model
        with open(self.log, 'a') as f: f.write(f"{os.getpid()} {len(texts)}\n")
        time.sleep(self.delay)
        return load_model('static').encode(list(texts), batch_size=1024, show_progress_bar=False)
